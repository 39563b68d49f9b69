using System.Linq.Expressions;

namespace Rapport.Persistence;

/// <summary>
/// Lets the query filters share a rule written once as an expression: inside a filter passed through
/// <see cref="Inline{T}"/>, <c>rule.Invoke(argument)</c> is replaced by the rule's body with the argument in place of
/// its parameter. EF Core sees the same expression as if the rule had been written out, so the SQL does not change.
/// </summary>
internal static class FilterRules
{
    /// <summary>A marker for <see cref="Inline{T}"/>; never runs.</summary>
    public static bool Invoke<TArgument>(this Expression<Func<TArgument, bool>> rule, TArgument argument) =>
        throw new InvalidOperationException("A filter rule is only called inside a query filter passed through FilterRules.Inline.");

    public static Expression<Func<T, bool>> Inline<T>(Expression<Func<T, bool>> filter) =>
        (Expression<Func<T, bool>>)new RuleInliner().Visit(filter);

    private sealed class RuleInliner : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType != typeof(FilterRules) || node.Method.Name != nameof(Invoke))
            {
                return base.VisitMethodCall(node);
            }

            // The rule is a member of the context that builds the model: evaluate it to get its expression.
            var rule = Expression.Lambda<Func<LambdaExpression>>(node.Arguments[0]).Compile()();
            var body = new ParameterReplacer(rule.Parameters[0], Visit(node.Arguments[1])).Visit(rule.Body);
            return Visit(body);
        }
    }

    private sealed class ParameterReplacer(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : node;
    }
}
